// datasets_with_model: the datasets most often used (or introduced) by papers that also use (or introduce) a model.
// param model: name
// param limit: int = 20
MATCH (k_model:NameKey {key: $model_key})-[:NAMES]->(m:Model) USING INDEX k_model:NameKey(key)
MATCH (p:Paper)-[:USES|INTRODUCES]->(m)
MATCH (p)-[:USES|INTRODUCES]->(d:Dataset)
WITH d, count(DISTINCT p) AS papers
RETURN d.name AS dataset, papers
ORDER BY papers DESC, dataset
LIMIT $limit
