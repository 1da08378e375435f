"""Render: the scorecard as JSON, Markdown, HTML, xlsx and terminal tables."""
