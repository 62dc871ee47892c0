"""HTTP only: fetch pages, sheets and PDFs politely; hand back raw bytes."""
