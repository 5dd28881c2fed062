"""From models to the documents' input data (the builders in workflow_app.documents stay pure)."""
