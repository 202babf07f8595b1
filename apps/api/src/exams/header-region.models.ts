import { Field, Float, InputType, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    'Where the name box is on a copy’s first page, in fractions of the page (origin top left): read to identify, masked for correctors',
})
export class HeaderRegion {
  @Field(() => Float) x!: number;
  @Field(() => Float) y!: number;
  @Field(() => Float) width!: number;
  @Field(() => Float) height!: number;
}

@InputType({ description: 'Fractions of the page in [0, 1]; width and height at least 0.05; x + width and y + height at most 1' })
export class HeaderRegionInput {
  @Field(() => Float) x!: number;
  @Field(() => Float) y!: number;
  @Field(() => Float) width!: number;
  @Field(() => Float) height!: number;
}
