"""Score: targets with their overrides, RAG status, 0-100 scores, categories and composites."""
