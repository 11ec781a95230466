"""The portal's pages: server-rendered, reaching the data only through the gateway's API."""
