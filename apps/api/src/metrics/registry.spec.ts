import { Registry } from './registry.js';

describe('a metrics registry', () => {
  it('renders counters, gauges and histograms in the text exposition format 0.0.4', () => {
    const registry = new Registry();
    const requests = registry.counter('app_requests_total', 'Requests served.', ['method', 'route']);
    const up = registry.gauge('app_up', 'Whether the app answers.');
    const duration = registry.histogram('app_duration_seconds', 'Time per request.', ['route'], [0.1, 0.5, 2.5]);
    requests.inc({ method: 'POST', route: '/b' });
    requests.inc({ method: 'GET', route: '/a' }, 2);
    requests.inc({ method: 'POST', route: '/b' });
    up.set({}, 1);
    duration.observe({ route: '/a' }, 0.05);
    duration.observe({ route: '/a' }, 0.3);
    duration.observe({ route: '/a' }, 0.1);
    duration.observe({ route: '/a' }, 7);

    expect(registry.render()).toBe(
      [
        '# HELP app_requests_total Requests served.',
        '# TYPE app_requests_total counter',
        'app_requests_total{method="GET",route="/a"} 2',
        'app_requests_total{method="POST",route="/b"} 2',
        '# HELP app_up Whether the app answers.',
        '# TYPE app_up gauge',
        'app_up 1',
        '# HELP app_duration_seconds Time per request.',
        '# TYPE app_duration_seconds histogram',
        'app_duration_seconds_bucket{route="/a",le="0.1"} 2',
        'app_duration_seconds_bucket{route="/a",le="0.5"} 3',
        'app_duration_seconds_bucket{route="/a",le="2.5"} 3',
        'app_duration_seconds_bucket{route="/a",le="+Inf"} 4',
        'app_duration_seconds_sum{route="/a"} 7.45',
        'app_duration_seconds_count{route="/a"} 4',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslashes, quotes and newlines in label values, and backslashes and newlines in help', () => {
    const registry = new Registry();
    registry.counter('odd_total', 'Line one\nwith a \\ "quote"', ['value']).inc({ value: 'C:\\dir "x"\nnext' });
    expect(registry.render()).toBe(
      [
        '# HELP odd_total Line one\\nwith a \\\\ "quote"',
        '# TYPE odd_total counter',
        'odd_total{value="C:\\\\dir \\"x\\"\\nnext"} 1',
        '',
      ].join('\n'),
    );
  });

  it('shows a count without labels at zero, and a gauge never set or a labelled family without series as its header only', () => {
    const registry = new Registry();
    registry.counter('quiet_total', 'Nothing yet.');
    registry.histogram('wait_seconds', 'Waits.', [], [1]);
    registry.gauge('held', 'Held.', ['kind']);
    registry.gauge('unknown', 'Not read yet.');
    expect(registry.render()).toBe(
      [
        '# HELP quiet_total Nothing yet.',
        '# TYPE quiet_total counter',
        'quiet_total 0',
        '# HELP wait_seconds Waits.',
        '# TYPE wait_seconds histogram',
        'wait_seconds_bucket{le="1"} 0',
        'wait_seconds_bucket{le="+Inf"} 0',
        'wait_seconds_sum 0',
        'wait_seconds_count 0',
        '# HELP held Held.',
        '# TYPE held gauge',
        '# HELP unknown Not read yet.',
        '# TYPE unknown gauge',
        '',
      ].join('\n'),
    );
  });

  it('writes special values as Prometheus reads them', () => {
    const registry = new Registry();
    const gauge = registry.gauge('odd', 'Odd values.', ['case']);
    gauge.set({ case: 'nan' }, NaN);
    gauge.set({ case: 'inf' }, Infinity);
    gauge.set({ case: 'neg' }, -Infinity);
    gauge.set({ case: 'small' }, 1.5e-7);
    expect(registry.render().split('\n').slice(2, 6)).toEqual([
      'odd{case="inf"} +Inf',
      'odd{case="nan"} NaN',
      'odd{case="neg"} -Inf',
      'odd{case="small"} 1.5e-7',
    ]);
  });

  it('folds label sets past its limit into one "other" series, keeping the totals', () => {
    const registry = new Registry();
    const counter = registry.counter('paths_total', 'Paths.', ['path'], 2);
    for (const path of ['/a', '/b', '/c', '/d', '/a']) counter.inc({ path });
    expect(registry.render()).toContain('paths_total{path="/a"} 2\npaths_total{path="/b"} 1\npaths_total{path="other"} 2\n');
  });

  it('forgets its series on reset', () => {
    const registry = new Registry();
    const gauge = registry.gauge('lag', 'Lag.', ['projection']);
    gauge.set({ projection: 'copies' }, 3);
    gauge.reset();
    gauge.set({ projection: 'users' }, 0);
    expect(registry.render()).toBe('# HELP lag Lag.\n# TYPE lag gauge\nlag{projection="users"} 0\n');
  });

  it('refuses invalid names, a reserved label, unordered buckets, a decreasing counter and a name declared twice', () => {
    const registry = new Registry();
    expect(() => registry.counter('bad-name', 'x')).toThrow('invalid metric name');
    expect(() => registry.counter('ok_total', 'x', ['__reserved'])).toThrow('invalid label name');
    expect(() => registry.histogram('h_seconds', 'x', ['le'], [1])).toThrow('reserved');
    expect(() => registry.histogram('h2_seconds', 'x', [], [1, 1])).toThrow('strictly increasing');
    const counter = registry.counter('c_total', 'x');
    expect(() => counter.inc({}, -1)).toThrow('only goes up');
    expect(() => registry.gauge('c_total', 'x')).toThrow('declared twice');
  });
});
