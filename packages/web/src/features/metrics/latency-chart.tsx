import type { ResponseMetrics } from '../../api';
import { formatSeconds } from '../../app/format';

interface LatencyChartProps {
  responses: readonly ResponseMetrics[];
  /** How many of the newest responses to draw. */
  limit?: number;
}

const width = 280;
const height = 72;
const gap = 3;

/** Latency of each LLM response as bars (inline SVG), newest on the right; hover shows the figures. */
export function LatencyChart({ responses, limit = 24 }: LatencyChartProps) {
  const shown = responses.filter((response) => response.latency !== null).slice(-limit);
  if (shown.length === 0) return <p className="metrics__empty">No responses measured yet.</p>;
  const longest = Math.max(...shown.map((response) => response.latency ?? 0), 0.001);
  const barWidth = Math.min(28, (width - gap * (shown.length - 1)) / shown.length);
  const summary = `Latency of the last ${shown.length} responses, longest ${formatSeconds(longest)}`;
  return (
    <figure className="metrics__chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
      >
        <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="chart__axis" />
        {shown.map((response, index) => {
          const latency = response.latency ?? 0;
          const barHeight = Math.max(2, (latency / longest) * (height - 6));
          const tokens =
            response.completionTokens !== null
              ? `, ${response.completionTokens} completion tokens`
              : '';
          return (
            <rect
              key={`${response.responseId}-${index}`}
              className="chart__bar"
              x={index * (barWidth + gap)}
              y={height - barHeight}
              width={barWidth}
              height={barHeight}
              rx="2"
            >
              <title>{`Response ${index + 1}: ${formatSeconds(latency)}${tokens}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>Latency per response</figcaption>
    </figure>
  );
}
