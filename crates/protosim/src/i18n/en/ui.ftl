# English: the page's own words (buttons, headings, panels, help, errors), keyed `ui.…`.
