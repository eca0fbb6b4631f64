import type { ConversationMetrics } from '../../api';
import { formatCost, formatCount, formatSeconds } from '../../app/format';
import { LatencyChart } from './latency-chart';

interface MetricsPanelProps {
  /** From the data layer (REST; V1 frames carry no metrics); null until first read. */
  metrics: ConversationMetrics | null;
}

/** Tokens, cost and latency of the conversation, with a bar chart of each response's latency. */
export function MetricsPanel({ metrics }: MetricsPanelProps) {
  const latencies = (metrics?.responses ?? [])
    .map((response) => response.latency)
    .filter((latency): latency is number => latency !== null);
  const averageLatency =
    latencies.length === 0
      ? null
      : latencies.reduce((sum, value) => sum + value, 0) / latencies.length;

  return (
    <section className="card metrics" aria-labelledby="metrics-heading" data-testid="metrics-panel">
      <h2 id="metrics-heading" className="card__title">
        Usage
      </h2>
      <dl className="metrics__grid">
        <div>
          <dt>Tokens</dt>
          <dd>{metrics === null ? '–' : formatCount(metrics.totalTokens)}</dd>
        </div>
        <div>
          <dt>Prompt / completion</dt>
          <dd>
            {metrics === null
              ? '–'
              : `${formatCount(metrics.promptTokens)} / ${formatCount(metrics.completionTokens)}`}
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>
            {metrics === null ? '–' : formatCost(metrics.accumulatedCost)}
            {metrics?.maxBudgetPerTask != null && (
              <span className="metrics__budget"> of {formatCost(metrics.maxBudgetPerTask)}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Average latency</dt>
          <dd>{averageLatency === null ? '–' : formatSeconds(averageLatency)}</dd>
        </div>
      </dl>
      <LatencyChart responses={metrics?.responses ?? []} />
    </section>
  );
}
