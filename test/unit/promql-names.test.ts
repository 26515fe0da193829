import { exportedSampleNames, grafanaVariableMetric, promqlMetricNames } from '../helpers/promql-names';

describe('promqlMetricNames', () => {
  it('finds selectors followed by {, [ or nothing, and skips functions, aggregations and keywords', () => {
    expect(
      promqlMetricNames(
        'sum by (track, le) (rate(ml_request_latency_seconds_bucket{path="/predict"}[5m])) > bool 0.5 and on (track) up',
      ),
    ).toEqual(['ml_request_latency_seconds_bucket', 'up']);
    expect(promqlMetricNames('time() - ml_drift_last_run_timestamp_seconds > 1800')).toEqual([
      'ml_drift_last_run_timestamp_seconds',
    ]);
    expect(promqlMetricNames('a_total offset 5m / ignoring(status) group_left(path) b_total')).toEqual([
      'a_total',
      'b_total',
    ]);
  });

  it('ignores label values, durations, numbers and template variables', () => {
    expect(
      promqlMetricNames(
        '(sum(rate(ml_request_count_total{track="{{track}}", status=~"5.."}[{{window}}])) or vector(0)) / 1e3',
      ),
    ).toEqual(['ml_request_count_total']);
    expect(promqlMetricNames('rate(x_total{a="sum(y)"}[$__rate_interval]) * 2.5e-3 + Inf')).toEqual([
      'x_total',
    ]);
    expect(promqlMetricNames('track:ml_request_error_ratio:rate5m{track=~"$track"}')).toEqual([
      'track:ml_request_error_ratio:rate5m',
    ]);
  });

  it('reads Grafana label_values variables', () => {
    expect(grafanaVariableMetric('label_values(ml_model_ready, track)')).toBe('ml_model_ready');
    expect(grafanaVariableMetric('label_values(ml_model_info{name="iris"}, version)')).toBe('ml_model_info');
    expect(grafanaVariableMetric('label_values(track)')).toBeUndefined();
  });
});

describe('exportedSampleNames', () => {
  it('expands histograms and summaries into their sample names', () => {
    const names = exportedSampleNames(
      '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 1\r\n# TYPE s summary\n# TYPE c_total counter\n',
    );
    expect([...names.keys()].sort()).toEqual([
      'c_total',
      'h_bucket',
      'h_count',
      'h_sum',
      's',
      's_count',
      's_sum',
    ]);
  });
});
