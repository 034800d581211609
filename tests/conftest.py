def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "cpython_suite: runs CPython's own test methods through bcad's interpreter "
        "(slow; deselect with -m 'not cpython_suite')",
    )
