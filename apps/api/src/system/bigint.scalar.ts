import { Scalar, type CustomScalar } from '@nestjs/graphql';
import { Kind, type ValueNode } from 'graphql';

/** 64-bit integers travel as decimal strings: JSON numbers lose precision beyond 2^53. */
@Scalar('BigInt', () => BigInt)
export class BigIntScalar implements CustomScalar<string, bigint> {
  description = '64-bit integer as a decimal string';

  serialize(value: unknown): string {
    if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'string') return BigInt(value).toString();
    throw new TypeError('BigInt cannot represent this value');
  }

  parseValue(value: unknown): bigint {
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new TypeError('BigInt must be a decimal string');
    return BigInt(value);
  }

  parseLiteral(ast: ValueNode): bigint {
    if ((ast.kind === Kind.STRING || ast.kind === Kind.INT) && /^-?\d+$/.test(ast.value)) return BigInt(ast.value);
    throw new TypeError('BigInt must be a decimal string');
  }
}
