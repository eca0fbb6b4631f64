// @ts-check
// Shared reporting for the benchmark harness (bench/harness.mjs) and B5 (bench/rest-bench.mjs): one
// row shape for every workload's summary, a Markdown table and a hand-written SVG bar chart of
// Parley ÷ peer per targeted row with each row's target marked.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Short commit and whether server source differs from it (the dist may hold uncommitted code);
 * undefined when git cannot tell.
 */
export function gitRevision() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repositoryRoot })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages/server/src'], {
      cwd: repositoryRoot,
    })
      .toString()
      .trim();
    return { commit, serverSourceModified: dirty !== '' };
  } catch {
    return undefined;
  }
}

/** gitRevision() for the harness's run file, with placeholders when git cannot tell. */
export function gitInfo() {
  return gitRevision() ?? { commit: 'unknown', serverSourceModified: null };
}

/**
 * The fields every result file opens with: what ran, when, the machine (with its load average at
 * the end of the run), the commit, and which server build the Parley side loaded.
 * @param {string} benchmark
 * @param {{ startedAt: Date, finishedAt?: Date, machine: object }} times
 */
export function resultHeader(benchmark, { startedAt, finishedAt = new Date(), machine }) {
  return {
    benchmark,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: {
      ...machine,
      loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
    },
    git: gitInfo(),
    parleyServerDist: process.env.PARLEY_SERVER_DIST || 'packages/server/dist',
  };
}

/**
 * `{ sense: '≥' | '≤', value }` for a ratio target such as "≥ 0.85x"; undefined otherwise.
 * @param {unknown} target
 */
export function ratioTarget(target) {
  const match = /^([≥≤])\s*([\d.]+)x$/.exec(String(target ?? '').trim());
  return match === null ? undefined : { sense: match[1], value: Number(match[2]) };
}

/**
 * pass / miss for a ratio against a target such as "≥ 0.85x"; "info" without one.
 * @param {number} ratio
 * @param {unknown} target
 */
export function ratioStatus(ratio, target) {
  const parsed = ratioTarget(target);
  if (parsed === undefined || !Number.isFinite(ratio)) return 'info';
  return (parsed.sense === '≥' ? ratio >= parsed.value : ratio <= parsed.value) ? 'pass' : 'miss';
}

/** @param {number | null | undefined} value */
export function formatValue(value, digits = 1) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** @param {unknown} value */
function cell(value) {
  return String(value ?? '—').replaceAll('|', '\\|');
}

/**
 * A row of the harness's merged summary (and of B5's): a program's row plus where it came from.
 * @typedef {{
 *   workloadId?: string,
 *   workload: string,
 *   metric: string,
 *   subject?: string,
 *   peer: string,
 *   digits?: number,
 *   parley?: number,
 *   peerValue?: number,
 *   ratio?: number,
 *   target?: string,
 *   status?: string,
 *   flags?: string[],
 * }} SummaryRow
 */

/**
 * Markdown table of summary rows (every row: workload, metric, subject, peer, figures, ratio).
 * @param {SummaryRow[]} rows
 */
export function markdownTable(rows) {
  const header =
    '| # | Workload | Metric | Subject | Figure | Peer | Peer figure | Ratio | Target | Result | Flags |\n' +
    '| --- | --- | --- | --- | ---: | --- | ---: | ---: | --- | --- | --- |';
  const lines = rows.map((row) => {
    const status =
      row.status === 'pass' || row.status === 'miss' ? `**${row.status}**` : row.status;
    const ratio = Number.isFinite(row.ratio) ? `${formatValue(row.ratio, 2)}x` : '—';
    return (
      `| ${cell(row.workloadId)} | ${cell(row.workload)} | ${cell(row.metric)} | ${cell(row.subject ?? 'Parley')} | ` +
      `${formatValue(row.parley, row.digits ?? 1)} | ${cell(row.peer)} | ${formatValue(row.peerValue, row.digits ?? 1)} | ` +
      `${ratio} | ${cell(row.target ?? '—')} | ${cell(status ?? 'info')} | ${cell((row.flags ?? []).join('; ') || '')} |`
    );
  });
  return [header, ...lines].join('\n');
}

/** @param {unknown} text */
function escapeXml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * The ratio target of a row the chart draws (it draws only rows that have one).
 * @param {{ target?: string }} row
 */
function targetOf(row) {
  const target = ratioTarget(row.target);
  if (target === undefined) throw new Error(`no ratio target: ${row.target}`);
  return target;
}

/**
 * A horizontal bar per row that has a ratio target: bar length Parley ÷ peer, a dark tick at the
 * target, green when the target is met and red when missed; a dashed line at 1x (parity).
 * @param {SummaryRow[]} rows
 * @param {string} title
 */
export function svgChart(rows, title) {
  const charted = /** @type {(SummaryRow & { ratio: number })[]} */ (
    rows.filter((row) => ratioTarget(row.target) !== undefined && Number.isFinite(row.ratio))
  );
  const labelWidth = 610;
  const plotWidth = 420;
  const rowHeight = 24;
  // The heading is "what; machine; …": its first part is the title, the rest a grey second line.
  const [headline = '', ...details] = String(title).split('; ');
  const top = details.length > 0 ? 66 : 48;
  const height = top + charted.length * rowHeight + 48;
  // Room on the right for the longest value text, such as "4.65x → (≤ 2x)".
  const width = labelWidth + plotWidth + 130;
  const maxRatio = Math.min(
    4,
    Math.max(1.5, ...charted.map((row) => Math.max(row.ratio, targetOf(row).value))),
  );
  const x = (/** @type {number} */ ratio) =>
    labelWidth + (Math.min(ratio, maxRatio) / maxRatio) * plotWidth;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(headline)}</text>`,
    ...(details.length > 0
      ? [`<text x="10" y="38" fill="#555">${escapeXml(details.join('; '))}</text>`]
      : []),
    `<text x="10" y="${top - 10}" fill="#555">Parley ÷ peer (bar), target (black tick); green = target met, red = missed; dashed line = 1x</text>`,
  ];
  for (let tick = 0; tick <= maxRatio + 1e-9; tick += 0.5) {
    const tickX = x(tick);
    parts.push(
      `<line x1="${tickX}" y1="${top - 4}" x2="${tickX}" y2="${top + charted.length * rowHeight}" stroke="#e4e4e4"/>`,
      `<text x="${tickX}" y="${top + charted.length * rowHeight + 16}" text-anchor="middle" fill="#555">${tick}x</text>`,
    );
  }
  charted.forEach((row, index) => {
    const y = top + index * rowHeight;
    const target = targetOf(row);
    const colour =
      row.status === 'pass' ? '#2e7d32' : row.status === 'miss' ? '#c62828' : '#757575';
    const workload = String(row.workload).startsWith(String(row.workloadId))
      ? row.workload
      : `${row.workloadId} ${row.workload}`;
    // Who is compared comes before the metric, so a truncated label still names both sides.
    const label = `${workload}: ${row.subject ?? 'Parley'} vs ${row.peer}, ${row.metric}`;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeXml(label.length > 100 ? `${label.slice(0, 99)}…` : label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 5}" width="${Math.max(1, x(row.ratio) - labelWidth)}" height="${rowHeight - 10}" fill="${colour}"/>`,
      `<line x1="${x(target.value)}" y1="${y + 1}" x2="${x(target.value)}" y2="${y + rowHeight - 1}" stroke="#000" stroke-width="2"/>`,
      `<text x="${Math.max(x(row.ratio), x(target.value) + 1) + 4}" y="${y + 16}">${formatValue(row.ratio, 2)}x${row.ratio > maxRatio ? ' →' : ''} (${escapeXml(row.target)})</text>`,
    );
  });
  parts.push(
    `<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${top + charted.length * rowHeight}" stroke="#333" stroke-dasharray="4 3"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

/**
 * Writes a program's result as pretty JSON to `json` (or `bench/results/<name>-<timestamp>.json`)
 * and returns that path and the same path without `.json`, for the `.md` and `.svg` beside it.
 * @param {object} result
 * @param {{ name: string, startedAt: Date, json?: string }} where
 */
export function writeResultJson(result, { name, startedAt, json }) {
  const jsonPath =
    json ??
    join(
      fileURLToPath(new URL('../results/', import.meta.url)),
      `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
    );
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  return { jsonPath, basePath: jsonPath.replace(/\.json$/, '') };
}
