// most_used_models: the models used or introduced by the most papers.
// param limit: int = 20
MATCH (p:Paper)-[:USES|INTRODUCES]->(m:Model)
WITH m, count(DISTINCT p) AS papers
RETURN m.name AS model, papers
ORDER BY papers DESC, model
LIMIT $limit
