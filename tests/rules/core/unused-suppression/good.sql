-- pgrampart-ignore grants/grant-to-public: the reporting role reads everything
GRANT SELECT ON t
  TO PUBLIC;
