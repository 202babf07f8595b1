import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The fields a query asks of the object a resolver returns (fragments followed, aliases resolved to
 * their field), so a resolver can leave out what nobody reads: a stroke's save asks a copy's
 * revision, not its hundreds of annotations.
 */
export const selectedFields = (info: GraphQLResolveInfo): ReadonlySet<string> => {
  const fields = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === 'Field') fields.add(selection.name.value);
      else if (selection.kind === 'InlineFragment') visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return fields;
};
