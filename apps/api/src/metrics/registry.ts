/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with
 * fixed buckets and labels. Written here rather than taken from prom-client: Korrigo needs a dozen
 * series, and every label value it records is bounded by the code that records it.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';
type Labels<L extends string> = Readonly<Record<L, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Past this many label sets a family records new ones under a single `other` series: memory stays bounded. */
export const DEFAULT_MAX_SERIES = 500;
export const OVERFLOW = 'other';

/** Go's float formatting as the Prometheus parser reads it. */
export const formatValue = (value: number): string =>
  Number.isNaN(value) ? 'NaN' : value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : String(value);

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
export const escapeLabelValue = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const renderLabels = (pairs: readonly (readonly [string, string])[]): string =>
  pairs.length === 0 ? '' : `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;

abstract class Family<L extends string, S> {
  private readonly series = new Map<string, { labels: Labels<L>; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly L[],
    private readonly maxSeries: number,
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`invalid label name "${label}" on ${name}`);
    }
  }

  protected abstract initial(): S;
  protected abstract samples(labels: readonly (readonly [string, string])[], state: S): string[];

  protected stateFor(labels: Labels<L>): S {
    let key = this.labelNames.map((label) => labels[label]).join('\u0000');
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.maxSeries) {
        const overflow = Object.fromEntries(this.labelNames.map((label) => [label, OVERFLOW])) as Labels<L>;
        key = this.labelNames.map(() => OVERFLOW).join('\u0000');
        entry = this.series.get(key) ?? { labels: overflow, state: this.initial() };
      } else {
        entry = { labels: { ...labels }, state: this.initial() };
      }
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** Forgets every series: scrape-time gauges are set afresh, so a vanished projection stops showing. */
  reset(): void {
    this.series.clear();
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    // A count without labels shows its zero (absence would read as "not exported"); a gauge never set is unknown.
    if (this.type !== 'gauge' && this.labelNames.length === 0 && this.series.size === 0) this.stateFor({} as Labels<L>);
    const rows = [...this.series.values()].map(({ labels, state }) => {
      const pairs = this.labelNames.map((label) => [label, labels[label]] as const);
      return { sortKey: renderLabels(pairs), pairs, state };
    });
    rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const row of rows) lines.push(...this.samples(row.pairs, row.state));
    return `${lines.join('\n')}\n`;
  }
}

export class Counter<L extends string = never> extends Family<L, { value: number }> {
  protected initial() {
    return { value: 0 };
  }
  inc(labels: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    this.stateFor(labels).value += by;
  }
  protected samples(pairs: readonly (readonly [string, string])[], state: { value: number }): string[] {
    return [`${this.name}${renderLabels(pairs)} ${formatValue(state.value)}`];
  }
}

export class Gauge<L extends string = never> extends Family<L, { value: number }> {
  protected initial() {
    return { value: 0 };
  }
  set(labels: Labels<L>, value: number): void {
    this.stateFor(labels).value = value;
  }
  protected samples(pairs: readonly (readonly [string, string])[], state: { value: number }): string[] {
    return [`${this.name}${renderLabels(pairs)} ${formatValue(state.value)}`];
  }
}

interface HistogramState {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> extends Family<L, HistogramState> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    readonly buckets: readonly number[],
    maxSeries: number,
  ) {
    super(name, help, 'histogram', labelNames, maxSeries);
    if ((labelNames as readonly string[]).includes('le')) throw new Error(`${name}: "le" is reserved for buckets`);
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!)))
      throw new Error(`${name}: buckets must be finite and strictly increasing`);
  }
  protected initial(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  observe(labels: Labels<L>, value: number): void {
    const state = this.stateFor(labels);
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) state.counts[index]! += 1;
    state.sum += value;
    state.count += 1;
  }
  /** Starts a clock; calling the result observes the seconds elapsed. */
  startTimer(labels: Labels<L>): () => void {
    const started = process.hrtime.bigint();
    return () => this.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  }
  protected samples(pairs: readonly (readonly [string, string])[], state: HistogramState): string[] {
    let cumulative = 0;
    const lines = this.buckets.map((bound, i) => {
      cumulative += state.counts[i]!;
      return `${this.name}_bucket${renderLabels([...pairs, ['le', formatValue(bound)]])} ${cumulative}`;
    });
    lines.push(`${this.name}_bucket${renderLabels([...pairs, ['le', '+Inf']])} ${state.count}`);
    lines.push(`${this.name}_sum${renderLabels(pairs)} ${formatValue(state.sum)}`);
    lines.push(`${this.name}_count${renderLabels(pairs)} ${state.count}`);
    return lines;
  }
}

/** Families in the order they were declared; a name is declared once. */
export class Registry {
  private readonly families = new Map<string, Family<string, unknown>>();

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], maxSeries = DEFAULT_MAX_SERIES): Counter<L> {
    return this.add(new Counter<L>(name, help, 'counter', labelNames, maxSeries));
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], maxSeries = DEFAULT_MAX_SERIES): Gauge<L> {
    return this.add(new Gauge<L>(name, help, 'gauge', labelNames, maxSeries));
  }

  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[],
    maxSeries = DEFAULT_MAX_SERIES,
  ): Histogram<L> {
    return this.add(new Histogram<L>(name, help, labelNames, buckets, maxSeries));
  }

  render(): string {
    return [...this.families.values()].map((family) => family.render()).join('');
  }

  private add<F extends Family<string, unknown>>(family: F): F {
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} is declared twice`);
    this.families.set(family.name, family as Family<string, unknown>);
    return family;
  }
}
