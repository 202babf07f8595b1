import {
  GraphQLError,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  Kind,
  isListType,
  isNonNullType,
} from 'graphql';

/**
 * Query hardening (issue 3 §9): depth, alias and cost limits as validation rules, so an abusive
 * query is refused before any resolver runs.
 */
export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  /** Every field costs 1; a list field multiplies its selection by `listFactor`. */
  readonly maxCost: number;
  readonly listFactor: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 30, maxCost: 20_000, listFactor: 10 };

const refuse = (message: string, node: FieldNode | undefined): GraphQLError =>
  new GraphQLError(message, { nodes: node ? [node] : undefined, extensions: { code: 'BAD_USER_INPUT' } });

export const queryLimitRules = (limits: QueryLimits = DEFAULT_LIMITS) => [
  (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    /** Walks a selection set once, following fragments, and returns [depth, cost, aliases]. */
    const measure = (set: SelectionSetNode, seen: Set<string>): [number, number, number] => {
      let depth = 0;
      let cost = 0;
      let aliases = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) aliases++;
          if (selection.selectionSet) {
            const [d, c, a] = measure(selection.selectionSet, seen);
            depth = Math.max(depth, d + 1);
            cost += 1 + c * (isListField(selection) ? limits.listFactor : 1);
            aliases += a;
          } else {
            depth = Math.max(depth, 1);
            cost += 1;
          }
        } else {
          const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
          const target = name === null ? (selection as { selectionSet: SelectionSetNode }).selectionSet : fragments.get(name)?.selectionSet;
          // A repeated spread inside itself is a cycle, reported by the standard NoFragmentCycles rule.
          if (!target || (name !== null && seen.has(name))) continue;
          const [d, c, a] = measure(target, name === null ? seen : new Set([...seen, name]));
          depth = Math.max(depth, d);
          cost += c;
          aliases += a;
        }
      }
      return [depth, cost, aliases];
    };
    // Lists are recognised by the schema type of the field; unknown fields count as single.
    const listFields = new WeakSet<FieldNode>();
    const isListField = (field: FieldNode): boolean => listFields.has(field);
    return {
      Field: {
        enter(node) {
          const type = context.getType();
          if (type && isListType(isNonNullType(type) ? type.ofType : type)) listFields.add(node);
        },
      },
      OperationDefinition: {
        leave(operation) {
          const [depth, cost, aliases] = measure(operation.selectionSet, new Set());
          if (depth > limits.maxDepth) context.reportError(refuse(`Query too deep: ${depth} levels (limit ${limits.maxDepth})`, undefined));
          if (aliases > limits.maxAliases)
            context.reportError(refuse(`Too many aliases: ${aliases} (limit ${limits.maxAliases})`, undefined));
          if (cost > limits.maxCost) context.reportError(refuse(`Query too expensive: cost ${cost} (limit ${limits.maxCost})`, undefined));
        },
      },
    };
  },
];
