/**
 * The drill report as one self-contained HTML page (`report.html`): inline CSS and SVG,
 * no script, no font, image or stylesheet from anywhere else. Each scenario gets its
 * verdict chips, a Gantt-style timeline of every step against the RTO objective line,
 * the measured figures beside the config's budget (each naming the pace it was measured
 * at), and what the failover lost, order by order.
 */
import type { DataLoss } from '../failover/write-loss.js';
import type { DrillReport, RtoComponent, ScenarioReport, TimelineStep } from '../drill/model.js';
import { paceLabel, TIMED_OBJECTIVES } from '../drill/pace.js';
import { budgetOf, escapeHtml as h, LOST_ORDERS_SHOWN, seconds, utc, utcMs } from './format.js';

const LANE_COLOURS: Record<TimelineStep['lane'], string> = {
  fault: '#d64545',
  detection: '#e39b2d',
  failover: '#3b7dd8',
  traffic: '#8a5cd1',
  orders: '#1f9d74',
  failback: '#5b6b82',
  checks: '#9aa5b1',
};

const LANE_TITLES: Record<TimelineStep['lane'], string> = {
  fault: 'Fault',
  detection: 'Detection',
  failover: 'Failover',
  traffic: 'Traffic',
  orders: 'Orders',
  failback: 'Failback',
  checks: 'Checks',
};

/**
 * x-scale of the timeline: linear over what happened; when the objective lies far beyond
 * it, the empty stretch up to the objective is drawn compressed behind an axis break, so
 * the steps stay readable and the objective line is still on the chart.
 */
export function timelineScale(minMs: number, maxMs: number, objectiveMs: number, width: number) {
  const lo = Math.min(0, minMs);
  const end = Math.max(maxMs, 1);
  const broken = objectiveMs > end * 1.6;
  const mainWidth = broken ? width * 0.84 : width;
  const mainEnd = broken ? end * 1.04 : Math.max(end, objectiveMs) * 1.02;
  const x = (ms: number): number => {
    if (!broken || ms <= mainEnd) return ((ms - lo) / (mainEnd - lo)) * mainWidth;
    const rest = width - mainWidth;
    return mainWidth + Math.min(1, (ms - mainEnd) / (objectiveMs * 1.04 - mainEnd)) * rest;
  };
  return { x, broken, breakAt: mainWidth, lo, mainEnd };
}

function ticks(lo: number, hi: number): number[] {
  const span = hi - lo;
  const steps = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000];
  const step = steps.find((s) => span / s <= 8) ?? 120_000;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
  return out;
}

export function timelineSvg(s: ScenarioReport, objectiveSeconds: number): string {
  const rows = s.timeline;
  const label = 300;
  const chart = 860;
  const rowH = 22;
  const top = 34;
  const height = top + rows.length * rowH + 40;
  const width = label + chart + 20;
  const objectiveMs = objectiveSeconds * 1000;
  const minMs = Math.min(0, ...rows.map((r) => r.startMs));
  const maxMs = Math.max(1, ...rows.map((r) => r.endMs));
  const scale = timelineScale(minMs, maxMs, objectiveMs, chart);
  const X = (ms: number) => label + scale.x(ms);
  const parts: string[] = [];
  parts.push(
    `<svg class="timeline" data-scenario="${h(s.name)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="width:100%;height:auto" role="img" aria-label="${h(`Timeline of the ${s.title} drill against the ${objectiveSeconds} s objective`)}">`,
  );
  // grid + ticks
  for (const t of ticks(scale.lo, scale.mainEnd)) {
    parts.push(
      `<line x1="${X(t).toFixed(1)}" y1="${top - 6}" x2="${X(t).toFixed(1)}" y2="${height - 30}" class="grid"/>`,
      `<text x="${X(t).toFixed(1)}" y="${height - 14}" class="tick" text-anchor="middle">${h(seconds(t, t % 1000 === 0 ? 0 : 1))}</text>`,
    );
  }
  if (scale.broken) {
    const bx = label + scale.breakAt;
    parts.push(
      `<rect x="${bx + 2}" y="${top - 8}" width="${chart - scale.breakAt - 2}" height="${height - top - 20}" class="gap"/>`,
      `<path d="M${bx - 4} ${height - 36} l6 -8 l6 8 l6 -8" class="break"/>`,
      `<text x="${bx + (chart - scale.breakAt) / 2}" y="${top + 10}" class="gaptext" text-anchor="middle">axis break</text>`,
    );
  }
  // rows
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const x1 = X(r.startMs);
    const w = Math.max(2, X(r.endMs) - x1);
    const colour = LANE_COLOURS[r.lane];
    const dur = r.endMs - r.startMs;
    parts.push(
      `<g class="step${r.outcome === 'failed' ? ' failed' : ''}" data-lane="${r.lane}" data-step="${h(r.id)}" data-start-ms="${r.startMs}" data-end-ms="${r.endMs}">`,
      `<title>${h(`${r.title}: ${dur} ms (${r.startMs} → ${r.endMs} ms from the cut)${r.awsMs !== undefined ? `, ${r.awsMs} ms in AWS calls` : ''}`)}</title>`,
      i % 2 === 0 ? `<rect x="0" y="${y}" width="${width}" height="${rowH}" class="zebra"/>` : '',
      `<rect x="6" y="${y + 7}" width="8" height="8" rx="2" fill="${colour}"/>`,
      `<text x="20" y="${y + 15}" class="label">${h(r.title.length > 44 ? `${r.title.slice(0, 43)}…` : r.title)}</text>`,
      `<rect x="${x1.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="3" fill="${colour}" class="bar"/>`,
      `<text x="${(x1 + w + 5).toFixed(1)}" y="${y + 15}" class="dur">${h(dur >= 1000 ? seconds(dur, 2) : `${dur} ms`)}</text>`,
      '</g>',
    );
  });
  // the cut
  parts.push(
    `<line x1="${X(0)}" y1="${top - 12}" x2="${X(0)}" y2="${height - 30}" class="cut"/>`,
    `<text x="${X(0) + 4}" y="${top - 16}" class="cutlabel">cut</text>`,
  );
  // objective line
  const ox = X(objectiveMs);
  parts.push(
    `<line x1="${ox.toFixed(1)}" y1="${top - 12}" x2="${ox.toFixed(1)}" y2="${height - 30}" class="objective" data-objective-ms="${objectiveMs}"/>`,
    `<text x="${(ox - 4).toFixed(1)}" y="${top - 16}" class="objlabel" text-anchor="end">${objectiveSeconds} s objective</text>`,
    '</svg>',
  );
  return parts.join('');
}

function componentBars(components: readonly RtoComponent[], objectiveSeconds: number): string {
  const max = Math.max(objectiveSeconds, ...components.map((c) => c.budgetSeconds ?? 0)) * 1000;
  return components
    .map((c) => {
      const measured = c.measuredMs ?? 0;
      const mw = Math.max(1, (measured / max) * 100);
      const bw = c.budgetSeconds === null ? 0 : ((c.budgetSeconds * 1000) / max) * 100;
      return `<tr class="component" data-component="${c.name}" data-measured-ms="${c.measuredMs ?? ''}">
<th>${h(c.title)}</th><td class="num">${h(seconds(c.measuredMs, 2))}</td><td class="num">${h(budgetOf(c))}</td>
<td class="meter"><div class="track">${bw ? `<div class="budget" style="width:${bw.toFixed(2)}%"></div>` : ''}<div class="measured" style="width:${mw.toFixed(2)}%"></div></div></td>
<td class="how">${h(c.how)}</td></tr>`;
    })
    .join('\n');
}

/** The facts of what the failover lost, and the lost orders' table. */
function dataLossHtml(loss: DataLoss | null): { facts: string; table: string } {
  if (!loss)
    return { facts: '<dt>Lost writes</dt><dd>not read (the scenario stopped before)</dd>', table: '' };
  if (loss.mode === 'planned') {
    return { facts: `<dt>Lost writes</dt><dd data-lost="0">none (${h(loss.reason)})</dd>`, table: '' };
  }
  const orders = loss.lost.orders;
  const facts = `<dt>Lost writes</dt><dd data-lost-known="${loss.lost.known}" data-lost="${loss.lost.known ? orders.length : ''}">${
    loss.lost.known
      ? `${loss.lost.truncated ? 'at least ' : ''}${orders.length}, loss window ${loss.lossWindowMs ?? 0} ms`
      : `not known: ${h(loss.lost.reason ?? '')}`
  }</dd>
<dt>Lag at the cut</dt><dd>${loss.lagAtCutMs === null ? 'no datapoint' : `${loss.lagAtCutMs} ms`}</dd>
<dt>Last replicated</dt><dd>${loss.lastReplicated ? `${h(loss.lastReplicated.clientOrderId)} at ${h(utcMs(loss.lastReplicated.at))}` : 'none'}</dd>`;
  if (orders.length === 0) return { facts, table: '' };
  const rows = orders
    .slice(0, LOST_ORDERS_SHOWN)
    .map(
      (o) =>
        `<tr class="lost" data-client-order-id="${h(o.clientOrderId)}"><td><code>${h(o.clientOrderId)}</code></td><td>${h(utcMs(o.writtenAt))}</td><td>${h(o.account)}</td><td>${h(o.side)}</td><td class="num">${o.quantity}</td><td>${h(o.symbol)}</td><td class="num">${h(o.limitPrice)}</td></tr>`,
    )
    .join('\n');
  const more =
    orders.length > LOST_ORDERS_SHOWN
      ? `<p class="note">${orders.length - LOST_ORDERS_SHOWN} more in report.json (dataLoss.lost.orders).</p>`
      : '';
  const table = `<h3>Lost orders <small>(written by ${h(loss.from)} after its last replicated point; re-drive them by client_order_id)</small></h3>
<table class="lost-orders"><thead><tr><th>client_order_id</th><th>written at</th><th>account</th><th>side</th><th>quantity</th><th>symbol</th><th>limit price</th></tr></thead><tbody>
${rows}</tbody></table>${more}${loss.lost.truncated ? '<p class="note">The search stopped at its bounds: more may have been lost.</p>' : ''}`;
  return { facts, table };
}

function scenarioSection(s: ScenarioReport, report: DrillReport): string {
  const pace = paceLabel(s.pace, report.environment.target);
  const loss = dataLossHtml(s.dataLoss);
  const chips = s.objectives
    .map(
      (o) => `<div class="verdict ${o.verdict}" data-objective="${o.id}" data-verdict="${o.verdict}">
<div class="vtitle">${h(o.title)}</div><div class="vvalue">${h(o.measured)}</div>${pace && TIMED_OBJECTIVES.has(o.id) ? `<div class="vpace">${h(pace)}</div>` : ''}
<div class="vtarget">${o.verdict === 'pass' ? '✔ PASS' : '✘ FAIL'} · target ${h(o.target)}</div>
<div class="vdetail">${h(o.detail)}</div></div>`,
    )
    .join('\n');
  const accepted = Object.entries(s.orders.accepted)
    .map(([r, n]) => `${n} by ${r}`)
    .join(', ');
  const processedBy = Object.entries(s.orders.processedBy)
    .map(([r, n]) => `${n} by ${r}`)
    .join(', ');
  const legend = (Object.keys(LANE_TITLES) as TimelineStep['lane'][])
    .filter((lane) => s.timeline.some((t) => t.lane === lane))
    .map((lane) => `<span><i style="background:${LANE_COLOURS[lane]}"></i>${LANE_TITLES[lane]}</span>`)
    .join('');
  return `<section class="scenario" id="${h(s.name)}" data-scenario="${h(s.name)}" data-verdict="${s.verdict}">
<header class="shead"><h2>${h(s.title)}</h2><span class="badge ${s.verdict}">${s.verdict === 'pass' ? 'PASS' : 'FAIL'}</span>
<span class="sub">${h(s.from)} → ${h(s.to)} and back · cut ${h(utc(s.cutAt))} · ${h(seconds(s.wallMs))} wall</span></header>
${s.error ? `<p class="error">Stopped: ${h(s.error)}</p>` : ''}
<div class="verdicts">${chips}</div>
<h3>Timeline${pace ? ` <small>(${h(pace)})</small>` : ''}</h3><p class="legend">${legend}</p>
<div class="chart">${timelineSvg(s, report.objectives.rtoSeconds)}</div>
<div class="cols">
<div><h3>RTO per component <small>(from the cut${pace ? `, ${h(pace)}` : ''}; the pale bar is the config's budget)</small></h3>
<table class="components"><thead><tr><th></th><th>measured</th><th>budget</th><th></th><th>how</th></tr></thead><tbody>
${componentBars(s.components, report.objectives.rtoSeconds)}</tbody></table></div>
<div><h3>RPO and orders</h3><dl class="facts">
${loss.facts}
${s.dataLoss?.mode === 'unplanned' ? '' : `<dt>Lag at the cut</dt><dd>${s.rpo.lagAtCutMs === null ? 'no datapoint' : `${s.rpo.lagAtCutMs} ms`}</dd>`}
<dt>Canaries lost</dt><dd>${s.rpo.canariesMissing} of ${s.rpo.canariesWritten}</dd>
<dt>Queued in old primary at the cut</dt><dd>${s.rpo.strandedAtCut}</dd>
<dt>Orders sent</dt><dd>${s.orders.sent} (${s.orders.rejected} refused)</dd>
<dt>Accepted</dt><dd>${h(accepted || 'none')}</dd>
<dt>Processed</dt><dd data-processed="${s.orders.processed}">${s.orders.processed} (${h(processedBy || 'none')})</dd>
<dt>Writer after failover</dt><dd data-writer-after-failover="${h(s.writerAfterFailover ?? '')}">${h(s.writerAfterFailover ?? 'unknown')}</dd>
<dt>Writer after failback</dt><dd>${h(s.writerAfterFailback ?? 'unknown')}</dd>
${s.detection ? `<dt>Detected by</dt><dd>${h(s.detection.by)}: ${h(s.detection.reason)}</dd>` : ''}
</dl></div></div>
${loss.table}
${s.notes.map((n) => `<p class="note">${h(n)}</p>`).join('')}
</section>`;
}

const CSS = `
:root{--ink:#1d2733;--mute:#66727f;--line:#e3e7ec;--pass:#17864f;--fail:#c93636;--bg:#f5f7fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
.top{background:linear-gradient(120deg,#13202f,#1f3a5a);color:#fff;padding:28px 40px 24px}
.top h1{margin:0 0 6px;font-size:26px;font-weight:650;letter-spacing:.2px}.top .meta{color:#b9c6d4;font-size:13px}
.top .overall{float:right;font-size:20px;font-weight:700;padding:10px 18px;border-radius:10px}
.overall.pass{background:var(--pass)}.overall.fail{background:var(--fail)}
main{padding:20px 40px 40px;max-width:1280px}
.summary{display:flex;gap:14px;flex-wrap:wrap;margin:0 0 8px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 16px;min-width:200px}
.card .k{color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.6px}.card .v{font-size:22px;font-weight:650}
.scenario{background:#fff;border:1px solid var(--line);border-radius:12px;padding:18px 22px;margin:22px 0}
.shead{display:flex;align-items:center;gap:12px;flex-wrap:wrap}.shead h2{margin:0;font-size:20px}.sub{color:var(--mute)}
.badge{font-weight:700;color:#fff;border-radius:6px;padding:2px 10px}.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
.verdicts{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin:14px 0}
.verdict{border-radius:10px;padding:10px 12px;border:1px solid}.verdict.pass{background:#eefaf3;border-color:#b7e4c9}.verdict.fail{background:#fdf0f0;border-color:#f0baba}
.vtitle{font-size:12px;color:var(--mute);text-transform:uppercase;letter-spacing:.5px}.vvalue{font-size:19px;font-weight:650;margin:2px 0}
.vpace{font-size:11px;color:var(--mute)}
.verdict.pass .vtarget{color:var(--pass);font-weight:600}.verdict.fail .vtarget{color:var(--fail);font-weight:600}.vdetail{color:var(--mute);font-size:12px}
h3{font-size:15px;margin:16px 0 6px}h3 small{color:var(--mute);font-weight:400}
.legend span{margin-right:14px;color:var(--mute);font-size:12px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.chart{border:1px solid var(--line);border-radius:8px;padding:6px 0}
svg.timeline{font:12px system-ui,sans-serif;display:block}
svg .grid{stroke:#edf0f3}svg .tick{fill:var(--mute);font-size:11px}svg .label{fill:var(--ink)}svg .dur{fill:var(--mute);font-size:11px}
svg .zebra{fill:#fafbfc}svg .cut{stroke:#13202f;stroke-width:1.5;stroke-dasharray:3 3}svg .cutlabel{fill:#13202f;font-weight:600}
svg .objective{stroke:var(--fail);stroke-width:2.5}svg .objlabel{fill:var(--fail);font-weight:700}
svg .gap{fill:#f3f4f6}svg .gaptext{fill:#a0a8b2;font-size:11px}svg .break{stroke:#a0a8b2;fill:none;stroke-width:1.5}
svg .failed .bar{stroke:var(--fail);stroke-width:2}
.cols{display:grid;grid-template-columns:1.6fr 1fr;gap:24px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}td.how{color:var(--mute);font-size:12px}
.meter{width:30%}.track{position:relative;height:12px;background:#f1f3f5;border-radius:6px;margin-top:4px}
.track .budget{position:absolute;left:0;top:0;bottom:0;background:#d5e3f5;border-radius:6px}.track .measured{position:absolute;left:0;top:2px;bottom:2px;background:#1f9d74;border-radius:4px}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0}dt{color:var(--mute)}dd{margin:0;font-weight:550}
.note,.error{font-size:13px;color:var(--mute);margin:12px 0 0}.error{color:var(--fail);font-weight:600}
.how-differs{background:#fff;border:1px solid var(--line);border-radius:12px;padding:10px 22px}.how-differs li{margin:4px 0;color:#394552}
footer{color:var(--mute);font-size:12px;margin-top:20px}
`;

export function renderHtml(report: DrillReport): string {
  const env = report.environment;
  const where = env.target === 'sandbox' ? 'local sandbox (AWS emulator)' : 'AWS';
  const pace = paceLabel(report.scenarios[0]?.pace, env.target);
  const summaryCards = [
    ['Environment', where],
    ...(pace ? [['Measured at', pace]] : []),
    ['Objective', `order intake ≤ ${report.objectives.rtoSeconds} s`],
    ['RTO budget', `${report.budget.totalSeconds} s (margin ${report.budget.marginSeconds} s)`],
    ['Drill wall time', seconds(report.wallMs)],
  ]
    .map(
      ([k, v]) =>
        `<div class="card"><div class="k">${h(k ?? '')}</div><div class="v">${h(v ?? '')}</div></div>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>DR drill ${report.verdict === 'pass' ? 'PASS' : 'FAIL'} · ${h(env.app)}-${h(env.stage)} · ${h(utc(report.startedAt))}</title>
<style>${CSS}</style></head>
<body data-verdict="${report.verdict}">
<div class="top"><div class="overall ${report.verdict}" id="overall-verdict">${report.verdict === 'pass' ? '✔ PASS' : '✘ FAIL'}</div>
<h1>DR drill · ${h(env.app)}-${h(env.stage)}</h1>
<div class="meta">${h(env.regions.primary)} (primary) ↔ ${h(env.regions.secondary)} (secondary) · ${h(where)}${env.endpoint ? ` at ${h(env.endpoint.replace(/^https?:\/\//, ''))}` : ''}<br>
${h(utc(report.startedAt))} → ${h(utc(report.finishedAt))} · by ${h(env.operator)}${env.principal && env.principal !== env.operator ? ` as ${h(env.principal)}` : ''} on ${h(env.host)} · Node ${h(env.node)}</div></div>
<main>
${
  report.interrupted
    ? `<section class="interrupted" id="interrupted" data-signal="${h(report.interrupted.signal)}"><p class="error">Partial report: interrupted (${h(report.interrupted.signal)}) at ${h(report.interrupted.atStep)} (${h(utc(report.interrupted.at))}).</p><p class="note">Put back: ${h(report.interrupted.restored.join('; ') || 'nothing to put back')}.${report.interrupted.left.length > 0 ? ` Left for the operator: ${h(report.interrupted.left.join('; '))}.` : ''}</p></section>`
    : ''
}
<div class="summary">${summaryCards}</div>
<p class="note">RTO budget from the config: ${report.budget.items.map((i) => `${h(i.name)} ${i.seconds} s (${h(i.basis)})`).join(' + ')}. Lease ${h(report.lease.table)}: ${h(report.lease.notes)}.</p>
${report.scenarios.map((s) => scenarioSection(s, report)).join('\n')}
${
  report.simplifications.length > 0
    ? `<section class="how-differs"><h3>How the sandbox differs from AWS</h3><ul>${report.simplifications.map((s) => `<li>${h(s)}</li>`).join('')}</ul></section>`
    : ''
}
<footer>Generated by <code>dr drill</code>. Every figure was measured during this run; objectives and budget come from the config. Also in this directory: report.json, report.md.</footer>
</main></body></html>
`;
}
