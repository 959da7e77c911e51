// The report's inline stylesheet and its one small script (table filtering, copy buttons, opening
// every <details> for printing). Both are constants: the page's Content-Security-Policy allows
// exactly these two by hash, so nothing injected could run.
//
// Colours: every text/background pair is at least 4.5:1 (WCAG AA); the browser test computes them.

/** Inline CSS: readable on screen (1400 px down to 420 px), printable on paper, no external fonts. */
export const REPORT_CSS = `
:root{--fg:#1d2330;--muted:#505a6b;--line:#d9dee7;--bg:#fff;--soft:#f5f7fa;--deny:#b42318;--deny-bg:#fdecea;--audit:#7d5200;--audit-bg:#fff4d6;--ok:#17692f;--ok-bg:#e6f4ea;--info:#1a54a8;--info-bg:#e8f0fc;--user:#6f42c1;--user-bg:#f1ebfb}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);scroll-padding-top:56px}
body{margin:0 auto;max-width:1240px;padding:0 28px 64px;overflow-wrap:break-word}
h1{font-size:1.6rem;margin:18px 0 4px}
h2{font-size:1.3rem;margin:32px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:20px 0 8px}
p{margin:6px 0}
a{color:var(--info)}
code,pre{font:0.86rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:break-word;margin:6px 0}
.meta{color:var(--muted);margin:0 0 10px}
.meta span{margin-right:18px;display:inline-block}
nav.toc{position:sticky;top:0;z-index:5;background:var(--bg);border-bottom:1px solid var(--line);margin:0 -28px;padding:6px 28px}
nav.toc ol{display:flex;flex-wrap:nowrap;overflow-x:auto;gap:4px 16px;list-style:none;padding:0;margin:0;white-space:nowrap;scrollbar-width:thin}
nav.toc a{display:inline-block;padding:4px 0;text-decoration:none;font-weight:600;font-size:0.9rem}
nav.toc a:hover,nav.toc a:focus{text-decoration:underline}
.verdict{border-radius:8px;padding:12px 16px;margin:14px 0 8px;font-weight:600}
.verdict.bad{background:var(--deny-bg);color:var(--deny);border:1px solid #f3b5ae}
.verdict.good{background:var(--ok-bg);color:var(--ok);border:1px solid #a8d8b5}
.verdict ul{margin:6px 0 0;padding-left:20px;font-weight:400}
.next{border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:8px 0 14px;background:var(--soft)}
.next h2{margin:4px 0 6px;border:0;padding:0;font-size:1.05rem}
.next ol{margin:0;padding-left:22px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:6px 12px;background:var(--soft)}
.card dt{color:var(--muted);font-size:0.82rem}
.card dd{margin:2px 0 0;font-size:1.5rem;font-weight:700}
.card.deny dd{color:var(--deny)} .card.user dd{color:var(--user)} .card.audit dd{color:var(--audit)} .card.ok dd{color:var(--ok)}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:0.9rem}
caption{text-align:left;color:var(--muted);padding:4px 0;caption-side:top}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td{overflow-wrap:break-word}
td code,li code,p code,summary code{overflow-wrap:anywhere}
code.msg{white-space:pre-wrap}
ul.denials,ul.findings{list-style:none;padding:0;margin:4px 0 0} ul.denials li,ul.findings li{margin:0 0 6px}
ul.findings ul{margin:2px 0 0;padding-left:18px;list-style:disc}
tr{break-inside:avoid}
#violation-table,#user-violation-table,#diff-table{table-layout:fixed}
#violation-table th:nth-child(1),#user-violation-table th:nth-child(1){width:11%} #violation-table th:nth-child(2),#user-violation-table th:nth-child(2){width:28%} #violation-table th:nth-child(3),#user-violation-table th:nth-child(3){width:9%} #violation-table th:nth-child(5),#user-violation-table th:nth-child(5){width:12%}
#diff-table th:nth-child(1){width:10%} #diff-table th:nth-child(2){width:24%} #diff-table th:nth-child(3){width:28%} #diff-table th:nth-child(4){width:13%} #diff-table th:nth-child(6){width:12%}
#policy-table th:nth-child(1){width:15%}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:0.78rem;font-weight:600;white-space:nowrap}
.chip{display:inline-block;border-radius:10px;padding:0 8px;margin:1px 4px 3px 0;font:600 0.78rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;white-space:nowrap}
.b-deny{background:var(--deny-bg);color:var(--deny)} .b-audit{background:var(--audit-bg);color:var(--audit)}
.b-ok{background:var(--ok-bg);color:var(--ok)} .b-info{background:var(--info-bg);color:var(--info)} .b-user{background:var(--user-bg);color:var(--user)}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px}
.chart{max-width:100%;height:auto}
.chart text{font:12px system-ui,sans-serif;fill:#1d2330}
.chart .bar{fill:#3d6fd9} .chart .bar.deny{fill:#d14b3f} .chart .val{font-weight:700}
.none{color:var(--muted);font-style:italic}
.tools{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin:6px 0}
.tools a{font-size:0.85rem}
.filter input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:320px;max-width:100%}
button.copy{font:600 0.85rem system-ui,sans-serif;padding:3px 10px;border:1px solid var(--info);border-radius:6px;background:var(--bg);color:var(--info);cursor:pointer}
details{margin:4px 0}
details>summary{cursor:pointer;color:var(--info);font-weight:600}
details.more{border:1px solid var(--line);border-radius:8px;padding:6px 12px;margin:10px 0}
details.more>summary{font-size:1rem;color:var(--fg)}
ol.plan{padding-left:0;list-style:none;counter-reset:step}
ol.plan>li{counter-increment:step;border:1px solid var(--line);border-radius:8px;padding:4px 12px;margin:6px 0;break-inside:avoid}
ol.plan>li>details>summary{font-size:1rem;color:var(--fg)}
ol.plan>li>details>summary::before{content:counter(step) ". "}
.label{font-weight:600;color:var(--muted);font-size:0.85rem;margin:8px 0 2px}
ul.tight{margin:2px 0;padding-left:20px}
.src{color:var(--muted);font-size:0.8rem;white-space:nowrap}
.src code{font-size:0.78rem}
.lost code{background:var(--deny-bg);color:var(--deny);padding:0 4px;border-radius:4px}
@media (max-width:800px){.two{grid-template-columns:1fr}body{padding:0 14px 48px}nav.toc{margin:0 -14px;padding:6px 14px}}
@media (max-width:640px){
#violation-table,#user-violation-table,#diff-table{table-layout:auto}
table.cardify,table.cardify tbody,table.cardify tr,table.cardify td{display:block;width:auto}
table.cardify caption{display:block}
table.cardify thead{display:block;position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table.cardify tr{border:1px solid var(--line);border-radius:8px;margin:0 0 10px;padding:6px 10px}
table.cardify td{border:0;padding:3px 0;text-align:left}
table.cardify td.num{text-align:left}
table.cardify td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted);font-family:system-ui,sans-serif}
.card dd{font-size:1.25rem}
.filter input{width:100%}
}
@media print{body{max-width:none;padding:0;font-size:12px}.tools,nav.toc,button.copy{display:none}h2{break-after:avoid}pre{white-space:pre-wrap}a{color:inherit;text-decoration:none}}
`;

/**
 * Inline script: shows the filter boxes and hides table rows that do not contain the typed text;
 * shows the copy buttons and copies their target's text; opens every <details> before printing.
 */
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
document.querySelectorAll('button[data-copy]').forEach(function (button) {
  var target = document.getElementById(button.getAttribute('data-copy'));
  if (!target) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    var text = target.textContent;
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { select(target); });
    } else select(target);
  });
});
function select(node) {
  var range = document.createRange();
  range.selectNodeContents(node);
  var sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
`;
