// first_users_of: the first papers that use an entity or evaluate on it after the paper that introduced it (all its users when no paper introduces it), earliest first.
// param name: name
// param limit: int = 10
MATCH (k_name:NameKey {key: $name_key})-[:NAMES]->(e:Entity) USING INDEX k_name:NameKey(key)
WHERE e:Model OR e:Dataset OR e:Benchmark
OPTIONAL MATCH (i:Paper)-[:INTRODUCES]->(e)
WHERE i.date IS NOT NULL
WITH e, min(i.date) AS introduced
MATCH (u:Paper)-[:USES|EVALUATES_ON]->(e)
WHERE u.date IS NOT NULL AND (introduced IS NULL OR u.date >= introduced)
  AND NOT (u)-[:INTRODUCES]->(e)
RETURN DISTINCT e.name AS entity, u.title AS paper, u.date AS date
ORDER BY date, paper, entity
LIMIT $limit
