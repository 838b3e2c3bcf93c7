/// The page's inline style sheet and script. Neither contains anything from a report: the script reads the data
/// attributes the renderer wrote, so no report text is ever evaluated as code.
enum RunReportPageAssets {
    static let style = """
        :root { color-scheme: light; --ok: #2e7d32; --bad: #b3261e; --muted: #5f6b76; --line: #d8dee4; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 0; padding: 20px 28px;
               color: #1f2328; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 16px; margin: 28px 0 8px; } h3 { font-size: 14px; }
        .run-id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 600; }
        .status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
        .status.succeeded { background: var(--ok); } .status.failed { background: var(--bad); }
        dl.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 6px 18px; margin: 0; }
        dl.totals div { border-left: 3px solid var(--line); padding-left: 8px; }
        dt { color: var(--muted); font-size: 12px; } dd { margin: 0; font-weight: 600; }
        .run-error { background: #fdecea; border: 1px solid #f5c2bd; padding: 8px 12px; border-radius: 6px; }
        .hint { color: var(--muted); margin: 0 0 6px; }
        .empty { color: var(--muted); font-style: italic; }
        .timeline-frame, .scroll { overflow-x: auto; }
        svg.timeline { display: block; font-size: 12px; }
        svg.timeline .lane-bg { fill: #f6f8fa; fill-opacity: .75; stroke: #fff; stroke-width: 2; }
        svg.timeline .lane-label { fill: #1f2328; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        svg.timeline .axis line { stroke: #e1e5ea; } svg.timeline .axis text { fill: var(--muted); text-anchor: middle; }
        .bar, .swatch { stroke: rgba(0,0,0,.25); stroke-width: 1; }
        .outcome-committed { fill: #4caf50; } .outcome-staged { fill: #a5d6a7; } .outcome-failed { fill: #e53935; }
        .outcome-lost { fill: url(#hatch); } .outcome-superseded { fill: url(#stripes); }
        .outcome-cancelled { fill: #eceff1; stroke-dasharray: 3 2; } .outcome-running { fill: #90caf9; }
        .outcome-handed_back { fill: #ffe082; }
        .legend .outcome-lost { fill: #f2b8b5; } .legend .outcome-superseded { fill: #a9b4bf; }
        .bar.retry, .swatch.retry { stroke: #e65100; stroke-width: 2.5; }
        .bar.speculative, .swatch.speculative { stroke: #6a1b9a; stroke-width: 2.5; stroke-dasharray: 4 2; }
        .bar.open { stroke-dasharray: 4 2; }
        .bar.focus { stroke: #0d47a1; stroke-width: 3; }
        body.only-problems .bar:not(.problem):not(.retry) { opacity: .15; }
        .legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; color: var(--muted); }
        .legend svg { vertical-align: middle; margin-right: 4px; }
        .toggle { color: var(--muted); font-size: 13px; }
        table.figures { border-collapse: collapse; font-size: 13px; }
        table.figures th, table.figures td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
        table.figures th { background: #f6f8fa; white-space: nowrap; }
        .num { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .error-text { color: var(--bad); white-space: pre-wrap; word-break: break-word; max-width: 48em; }
        .parent { color: var(--muted); font-size: 12px; }
        .stack-cell { width: 320px; } .stack { display: flex; height: 12px; background: #f6f8fa; width: 300px; }
        .stage { display: inline-block; height: 12px; } .stage-key { margin-left: 12px; white-space: nowrap; }
        .stage-key .stage { width: 12px; margin-right: 4px; vertical-align: middle; }
        .stage-planning { background: #7e57c2; } .stage-extraction { background: #42a5f5; }
        .stage-commit { background: #26a69a; } .stage-finish { background: #ffa726; }
        details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
        ul.attempts { margin: 0; padding-left: 16px; }
        .outcome-text-failed, .outcome-text-lost { color: var(--bad); } .outcome-text-superseded, .outcome-text-cancelled { color: var(--muted); }
        tr.focus td { background: #e3f2fd; }
        ul.errors li, ul.warnings li { margin: 4px 0; } .subject { font-weight: 600; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
        """

    /// Hovering a bar outlines every attempt of its task (and its row in the task lists); the checkbox fades the
    /// attempts that went well. Then it records on `<body>` what the browser built (`data-lanes`, `data-bars`,
    /// `data-timeline-width`, `data-ready`), which the headless-browser test reads back.
    static let script = """
        (function () {
          "use strict";
          var body = document.body;
          var bars = document.querySelectorAll("svg.timeline .bar");
          function mark(task, on) {
            document.querySelectorAll('[data-task="' + task + '"]').forEach(function (element) {
              element.classList.toggle("focus", on);
            });
          }
          bars.forEach(function (bar) {
            var task = bar.getAttribute("data-task");
            if (!/^[0-9]+$/.test(task)) { return; }
            bar.addEventListener("mouseenter", function () { mark(task, true); });
            bar.addEventListener("mouseleave", function () { mark(task, false); });
          });
          var only = document.getElementById("only-problems");
          if (only) {
            only.addEventListener("change", function () { body.classList.toggle("only-problems", only.checked); });
          }
          var svg = document.querySelector("svg.timeline");
          body.setAttribute("data-lanes", String(document.querySelectorAll("svg.timeline .lane").length));
          body.setAttribute("data-bars", String(bars.length));
          body.setAttribute("data-timeline-width", String(svg ? Math.round(svg.getBoundingClientRect().width) : 0));
          body.setAttribute("data-ready", "yes");
        })();
        """
}
