"""The shared-record core: what every record the two regions share is built from."""
