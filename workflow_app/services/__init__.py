"""Use-cases. They change models, fire transitions, write audit and outbox rows and flush; never commit."""
