// single_paper_entities: entities linked to exactly one paper, with that paper.
MATCH (p:Paper)-->(e:Entity)
WITH e, collect(DISTINCT p) AS papers
WHERE size(papers) = 1
RETURN e.name AS entity,
       CASE WHEN e:Model THEN 'model' WHEN e:Dataset THEN 'dataset' ELSE 'benchmark' END AS kind,
       papers[0].title AS paper
ORDER BY kind, entity, paper
