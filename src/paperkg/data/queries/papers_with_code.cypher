// papers_with_code: papers and their code repositories.
MATCH (p:Paper)-[:HAS_CODE]->(r:Repository)
RETURN p.title AS paper, r.url AS repository
ORDER BY paper, repository
