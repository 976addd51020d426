if [ -f x ]; then
  echo "unclosed
