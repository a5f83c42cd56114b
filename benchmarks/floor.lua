-- wrk script for the floor: POST with a rotating person id.
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/bench/floor/?p=" .. counter)
end
