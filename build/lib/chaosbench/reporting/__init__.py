"""Reporting: leaderboard tables, Markdown, the web page and plots. May import `base`,
`numerics`, `catalogue` and `harness`."""
