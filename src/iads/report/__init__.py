"""Offline HTML reports of a run or a study (``iads report``), and their figures.

- ``data``: read a results store (``results.duckdb``; a study's ``replications`` table);
- ``stats``: confidence intervals for the study curves;
- ``figures``: the Plotly figures (map, replay, timeline, expenditure, coverage, study);
- ``page``: one self-contained HTML file (plotly.js inlined once, no request when viewed);
- ``png``: the main figures as PNG, drawn by headless Chromium;
- ``format``: money and times as people read them.

Heavy libraries (plotly, duckdb) are imported inside the functions that use them.
"""
