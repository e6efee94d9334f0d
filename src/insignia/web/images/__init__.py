"""Images: uploaded badge art and logos (sanitised), generated badge designs, and serving them."""
