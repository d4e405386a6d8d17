"""Units and clusters: administered in the browser; an ended unit's record for its successor."""
