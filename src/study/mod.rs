//! Weak topics: marks, suggestions, FSRS review schedule, and the study file (RON, atomic writes).
