"""Outputs and inputs other tools read: DIS (``iads.interop.dis``) and ASTERIX
(``iads.interop.asterix``). Recorders only: nothing here feeds a decision of the run."""
