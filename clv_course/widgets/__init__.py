"""The course's interactive tools (ipywidgets), one module per tool, localized.

Each tool is a function returning a widget, and keeps its arithmetic in a
plain function beside it, so a test can check the numbers without a browser.
"""
