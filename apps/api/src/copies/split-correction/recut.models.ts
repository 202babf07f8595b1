import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RecutSummary', { description: 'What re-cutting a class scan from a page changes (or, previewed, would change)' })
export class RecutSummaryModel {
  @Field(() => ID) scanId!: string;
  @Field(() => Int, { description: 'The first page cut again' }) fromPage!: number;
  @Field(() => Int) pagesPerCopy!: number;
  @Field(() => [ID], { description: 'The copies whose pages change, created ones included, in scan order' })
  changedCopyIds!: string[];
  @Field(() => Int, { description: 'Copies created because more were needed' }) created!: number;
  @Field(() => Int, { description: 'Copies left empty and discarded' }) discarded!: number;
}
