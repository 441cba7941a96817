"""The `modnas-bench` application: one command line over the four layers."""
