// papers_without_code: papers with no code repository.
MATCH (p:Paper)
WHERE NOT (p)-[:HAS_CODE]->()
RETURN p.title AS paper
ORDER BY paper
