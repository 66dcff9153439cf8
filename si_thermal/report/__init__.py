"""The PDF engineering report: figures from stage results (:mod:`.figures`), assembly (:mod:`.pdf`)."""
