# English: the guided tours, their steps and their questions, keyed `tour.…`.
