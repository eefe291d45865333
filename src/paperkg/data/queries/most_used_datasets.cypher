// most_used_datasets: the datasets used or introduced by the most papers.
// param limit: int = 20
MATCH (p:Paper)-[:USES|INTRODUCES]->(d:Dataset)
WITH d, count(DISTINCT p) AS papers
RETURN d.name AS dataset, papers
ORDER BY papers DESC, dataset
LIMIT $limit
