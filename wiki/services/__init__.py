"""Operations users perform. Each takes explicit arguments, checks permissions, and runs as one transaction."""
