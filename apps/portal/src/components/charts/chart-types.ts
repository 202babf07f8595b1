/** One bar of a BarChart; `max` makes it a part of a whole (an average out of a question's points). */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly max?: number;
}
