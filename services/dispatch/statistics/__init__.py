"""Reports upward (网情报送) and the case census, from dispatch's own `cases` collection.

- the daily report (日报), due before 15:00 the next day, and the monthly statistics (月报):
  reports by category, channel and severity; cases by department; the share closed within
  the deadline; as JSON or CSV, from `python -m services.dispatch.statistics` or
  GET /api/v1/statistics/daily|monthly on dispatch;
- the census gauges behind the department dashboard (due soon, escalated, closed), kept
  fresh by a loop (census.run_census) that dispatch's app runs.
"""
