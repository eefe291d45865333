// entity_neighbourhood: everything directly linked to an entity, with the relation and its direction.
// param name: name
MATCH (k_name:NameKey {key: $name_key})-[:NAMES]->(n:Entity) USING INDEX k_name:NameKey(key)
CALL (n) {
  MATCH (n)-[r:INTRODUCES|USES|EVALUATES_ON|HAS_CODE|HAS_WEBSITE|VARIANT_OF|TRAINED_ON]->(m)
  RETURN m, type(r) AS relation, 'out' AS direction
  UNION
  MATCH (n)<-[r:INTRODUCES|USES|EVALUATES_ON|HAS_CODE|HAS_WEBSITE|VARIANT_OF|TRAINED_ON]-(m)
  RETURN m, type(r) AS relation, 'in' AS direction
}
RETURN coalesce(m.name, m.title, m.url, m.id) AS neighbour,
       CASE
         WHEN m:Paper THEN 'paper'
         WHEN m:Model THEN 'model'
         WHEN m:Dataset THEN 'dataset'
         WHEN m:Benchmark THEN 'benchmark'
         WHEN m:Repository THEN 'repository'
         WHEN m:Website THEN 'website'
       END AS kind,
       relation, direction
ORDER BY neighbour, kind, relation, direction
