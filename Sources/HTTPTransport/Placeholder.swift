// HTTPTransport module
