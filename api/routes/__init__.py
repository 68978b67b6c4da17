"""HTTP routes: the JSON API (`documents`, `jobs`, `links`), the upload receiver and
the server-rendered pages. Routes parse requests and call `api.service` or the layers."""
