# dynamics: see ARCHITECTURE.md (filled in by its issue)
