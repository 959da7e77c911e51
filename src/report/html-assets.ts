// The report's inline stylesheet and its one small script (table filtering). Both are constants:
// the page's Content-Security-Policy allows exactly these two by hash, so nothing injected could run.

/** Inline CSS: readable on screen, printable on paper, no external fonts. */
export const REPORT_CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--soft:#f5f7fa;--deny:#b42318;--deny-bg:#fdecea;--audit:#9a6700;--audit-bg:#fff4d6;--ok:#1a7f37;--ok-bg:#e6f4ea;--info:#1f5fbf;--info-bg:#e8f0fc;--user:#6f42c1;--user-bg:#f1ebfb}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0 auto;max-width:1240px;padding:24px 28px 64px}
h1{font-size:1.7rem;margin:0 0 4px}
h2{font-size:1.3rem;margin:40px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:22px 0 8px}
p{margin:6px 0}
a{color:var(--info)}
code,pre{font:0.86rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow-x:auto;white-space:pre-wrap;word-break:break-word;margin:6px 0}
.meta{color:var(--muted);margin:0 0 14px}
.meta span{margin-right:18px}
nav ol{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding:0;margin:8px 0 0}
.verdict{border-radius:8px;padding:12px 16px;margin:14px 0;font-weight:600}
.verdict.bad{background:var(--deny-bg);color:var(--deny);border:1px solid #f3b5ae}
.verdict.good{background:var(--ok-bg);color:var(--ok);border:1px solid #a8d8b5}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:10px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:var(--soft)}
.card dt{color:var(--muted);font-size:0.82rem}
.card dd{margin:2px 0 0;font-size:1.6rem;font-weight:700}
.card.deny dd{color:var(--deny)} .card.user dd{color:var(--user)} .card.audit dd{color:var(--audit)} .card.ok dd{color:var(--ok)}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:0.9rem}
caption{text-align:left;color:var(--muted);padding:4px 0;caption-side:top}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft);position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td{overflow-wrap:anywhere}
td code.msg{white-space:pre-wrap}
#violation-table,#diff-table{table-layout:fixed}
#violation-table th:nth-child(1){width:11%} #violation-table th:nth-child(2){width:9%} #violation-table th:nth-child(3){width:15%} #violation-table th:nth-child(4){width:15%} #violation-table th:nth-child(5){width:7%} #violation-table th:nth-child(7){width:12%}
#diff-table th:nth-child(1){width:9%} #diff-table th:nth-child(2){width:17%} #diff-table th:nth-child(3){width:15%} #diff-table th:nth-child(4){width:19%} #diff-table th:nth-child(6){width:10%}
ul.denials{list-style:none;padding:0;margin:4px 0 0} ul.denials li{margin:0 0 6px}
tr{break-inside:avoid}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:0.78rem;font-weight:600;white-space:nowrap}
.b-deny{background:var(--deny-bg);color:var(--deny)} .b-audit{background:var(--audit-bg);color:var(--audit)}
.b-ok{background:var(--ok-bg);color:var(--ok)} .b-info{background:var(--info-bg);color:var(--info)} .b-user{background:var(--user-bg);color:var(--user)}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px}
.chart{max-width:100%;height:auto}
.chart text{font:12px system-ui,sans-serif;fill:var(--fg)}
.chart .bar{fill:#3d6fd9} .chart .bar.deny{fill:#d14b3f} .chart .val{font-weight:700}
.none{color:var(--muted);font-style:italic}
.filter{margin:6px 0}
.filter input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:320px;max-width:100%}
ol.plan{padding-left:0;list-style:none;counter-reset:step}
ol.plan>li{counter-increment:step;border:1px solid var(--line);border-radius:8px;padding:10px 14px 12px;margin:12px 0;break-inside:avoid}
ol.plan>li>h3{margin:0 0 4px}
ol.plan>li>h3::before{content:counter(step) ". "}
.label{font-weight:600;color:var(--muted);font-size:0.85rem;margin:8px 0 2px}
ul.tight{margin:2px 0;padding-left:20px}
.lost code{background:var(--deny-bg);color:var(--deny);padding:0 4px;border-radius:4px}
@media (max-width:800px){.two{grid-template-columns:1fr}}
@media print{body{max-width:none;padding:0;font-size:12px}.filter,nav{display:none}h2{break-after:avoid}thead th{position:static}pre{white-space:pre-wrap}a{color:inherit;text-decoration:none}}
`;

/** Inline script: shows the filter boxes and hides table rows that do not contain the typed text. */
export const REPORT_SCRIPT = `
document.querySelectorAll('[data-filter-for]').forEach(function (box) {
  var table = document.getElementById(box.getAttribute('data-filter-for'));
  var input = box.querySelector('input');
  if (!table || !input) return;
  box.hidden = false;
  input.addEventListener('input', function () {
    var q = input.value.toLowerCase();
    table.querySelectorAll('tbody tr').forEach(function (tr) {
      tr.hidden = q !== '' && tr.textContent.toLowerCase().indexOf(q) === -1;
    });
  });
});
`;
