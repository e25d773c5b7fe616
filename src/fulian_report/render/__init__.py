"""Render stage: prose and style templates (sandboxed Jinja) into the document tree."""
