"""Studies: many replications of a scenario (Monte Carlo), grids over scenario fields (sweeps),
their execution on local worker processes or a Dask cluster, and their statistics.

Modules: ``seeds`` (replication seeds from a study seed), ``stats`` (Wilson and bootstrap
intervals), ``paths`` (scenario fields addressed by path, for sweeps), ``replicate`` (one
replication, run in a worker), ``execute`` (serial, process-pool and Dask execution),
``study`` (a study from spec to store), ``summary`` (the study summary), ``read`` (tables as
pandas DataFrames). Nothing heavy is imported here.
"""
