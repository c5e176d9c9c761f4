"""Files at the boundary: detections, tracks, truth (CSV or Parquet), results stores."""
