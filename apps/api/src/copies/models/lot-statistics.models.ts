import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ScoreStatistics', { description: 'Finalised totals brought to /20' })
export class ScoreStatisticsModel {
  @Field(() => Int, { description: 'Copies in the set' }) copies!: number;
  @Field(() => Int, { description: 'Of which finalised: the figures below count these only' }) finalised!: number;
  @Field(() => Float, { nullable: true }) mean!: number | null;
  @Field(() => Float, { nullable: true }) median!: number | null;
  @Field(() => Float, { nullable: true, description: 'Population standard deviation' }) standardDeviation!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => [Int], { description: '20 bins of one point on /20: [0,1), [1,2), … [19,20] (20 falls in the last)' }) histogram!: number[];
}

@ObjectType('LotStatistics', { description: 'A corrector’s lot against the whole exam' })
export class LotStatisticsModel {
  @Field(() => ScoreStatisticsModel) lot!: ScoreStatisticsModel;
  @Field(() => ScoreStatisticsModel) exam!: ScoreStatisticsModel;
}
