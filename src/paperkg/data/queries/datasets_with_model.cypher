// datasets_with_model: the datasets most often used (or introduced) by papers that also use (or introduce) a model.
// param model: str
// param limit: int = 20
MATCH (m:Model)
WHERE toLower(m.name) = toLower($model)
   OR any(a IN coalesce(m.aliases, []) WHERE toLower(a) = toLower($model))
MATCH (p:Paper)-[:USES|INTRODUCES]->(m)
MATCH (p)-[:USES|INTRODUCES]->(d:Dataset)
WITH d, count(DISTINCT p) AS papers
RETURN d.name AS dataset, papers
ORDER BY papers DESC, dataset
LIMIT $limit
